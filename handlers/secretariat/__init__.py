"""The secretariat's flows: agendas and KPIs, deadline reminders, broadcasts, summaries."""
