"""Citizens' flows after filing: following tickets, rating, reopening, the province agenda, feedback, my data."""
