"""Privacy on the consumer side of the hub: keyed pseudonyms, the consumer view of case views and
alerts, and the check that nothing leaks. The key comes from the worker
(`streams.worker.keyfile`).

    >>> record = for_consumer("sanpalang.hub.CaseView", view, key)
"""

from streams.privacy.consumer import CONSUMER_SCHEMAS, consumer_message, for_consumer, leaks, shown
from streams.privacy.tokens import DOMAINS, MIN_KEY_BYTES, PrivacyError, check_key, is_token, pseudonym

__all__ = ["CONSUMER_SCHEMAS", "DOMAINS", "MIN_KEY_BYTES", "PrivacyError", "check_key", "consumer_message",
           "for_consumer", "is_token", "leaks", "pseudonym", "shown"]
