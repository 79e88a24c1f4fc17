"""The workshop's rules, free of any framework, one module per concern.

Only the standard library is imported anywhere in this package, so every rule can be tested
without an app, a database or a socket. Import a rule from the module that names its
concern: `from workshop.domain.phases import Phase`.
"""
