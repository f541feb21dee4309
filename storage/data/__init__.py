"""Seed data shipped with the project: CSV files and the fixed lists and agendas as Python data."""
