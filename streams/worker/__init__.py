"""`sanpalang worker`: the stream processors.

- `correlator`: the state machine (matcher, case fold, rules, referrals, consumer copies), pure.
- `reorder`: event-time order from arrival order.
- `lane`: the single-partition input log and its entries (events, actions, ticks, flushes).
- `loop`, `views`: the two loops and their commit disciplines; the correlate loop's parts: `clients`
  (its Kafka clients), `batch` (entries through the correlator), `checkpoint` (the transaction),
  `replay` (rebuilding from the lane and a `snapshot`), `ticks`, `aggregating`.
- `app`, `command`: the faust app and the CLI; `metrics`, `lag`: what Prometheus scrapes.
"""
