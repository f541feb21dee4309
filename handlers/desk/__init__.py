"""The web desk from chat: a one-time sign-in link for the secretariat and officers."""
