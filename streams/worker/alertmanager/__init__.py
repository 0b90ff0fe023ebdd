"""Case alerts to Alertmanager: the pure record -> `postableAlert` mapping and the pusher around it.

The worker calls `AlertmanagerPusher.from_settings(settings, registry)` (None when
`SANPALANG_ALERTMANAGER_URL` is unset), `await pusher.start()`, `pusher.push(record)` for every
`sanpalang.hub.Alert` record it publishes, and `await pusher.stop()` at shutdown.
"""

from streams.worker.alertmanager.payload import (AlertRecordError, PostableAlert, alert_labels, postable_alert,
                                  postable_alerts)
from streams.worker.alertmanager.pusher import AlertmanagerPusher, PushMetrics

__all__ = ["AlertRecordError", "PostableAlert", "alert_labels", "postable_alert", "postable_alerts",
           "AlertmanagerPusher", "PushMetrics"]
