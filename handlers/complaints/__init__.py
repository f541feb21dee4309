"""Filing a complaint: the PDPA notice, the place, the subject, photos, contact, confirmation."""
