"""What an organiser takes home: gathered read-only from the database, then written out.

gather.py reads a workshop as plain data (taking no lock, so the room goes on meanwhile);
formats.py turns that data into files and imports nothing of the framework.
"""
