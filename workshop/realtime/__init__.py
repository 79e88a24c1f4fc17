"""The realtime side: Socket.IO handlers, the command path, and telling rooms what happened.

handlers -> commands (parse, who may, phase checked once) -> transactions (commit, batched
on SQLite) -> telling / counts (tell the rooms). wiring.py builds this process's parts.
"""
