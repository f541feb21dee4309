"""The rules of the programme: tickets and their status changes, filing and routing, places, scope, invites, KPIs
and progress, agendas, reminders, escalation, broadcasts, summaries and exports. Chat, the CLI, the jobs, the
web desk and the public pages all call these, never each other; nothing here knows about a chat step."""
