"""The secretariat's flows: broadcasts, the province summary, and simple agenda, KPI and deadline edits."""
