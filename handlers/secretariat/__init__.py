"""The secretariat's flows: broadcasts, summaries and simple agenda/KPI/deadline edits. Importing this package
also starts the secretariat's background loops (the reminder scheduler and the broadcast worker) with the bot."""

from bot.secretariat.scheduler import register_workers

register_workers()
