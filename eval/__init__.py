"""eval: the hand-written question set and the harness that scores the system against it."""
