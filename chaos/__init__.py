"""`make chaos`: enrollments while each part of the topology is killed in turn.

A bounded scenario, not part of `make test`.
"""
