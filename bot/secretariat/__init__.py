"""Secretariat back-office: agenda/KPI import, the reminder scheduler, broadcasts, summaries and exports."""
