"""Officers' and the secretariat's flows: progress reports, complaint handling, broadcasts."""
