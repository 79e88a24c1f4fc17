"""Use cases: each takes the session and the actor, flushes, and returns (result, facts).

Nothing here commits, imports Flask or knows about sockets: the caller commits once and then
broadcasts the facts.
"""
