"""Accounts: log-in throttling, idle sessions, password change, and the administrators' user
management (users, their roles, their passwords and log-in lockouts)."""
