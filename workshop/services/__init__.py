"""Use cases: each takes the session and the actor, flushes, and returns (result, facts).

Nothing here commits, imports Flask or knows about sockets: the one path that commits, then
tells (realtime/wiring.py `Realtime.perform`) runs them.
"""
