"""`sanpalang worker`: the stream processors.

- `correlator`: the state machine (matcher, case fold, rules, referrals, consumer copies), pure.
- `reorder`: event-time order from arrival order.
- `lane`: the single-partition input log and its entries (events, actions, ticks, flushes).
- `correlate`, `views`: the two loops and their commit disciplines.
- `app`, `command`: the faust app and the CLI; `metrics`, `lag`: what Prometheus scrapes.
"""
