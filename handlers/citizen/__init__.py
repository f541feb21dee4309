"""Citizens' flows: complaints, following tickets, the province agenda, feedback, my data."""
