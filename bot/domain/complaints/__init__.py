"""Filing a complaint: the checks of what is typed, routing to an agency, the ticket number, abuse limits."""
