"""Privacy on the consumer side of the hub: keyed pseudonyms, the consumer view of case views and
alerts, the check that nothing leaks, and where the key comes from.

    >>> key = pseudonym_key(settings)                       # once, at start
    >>> record = for_consumer("sanpalang.hub.CaseView", view, key)
"""

from streams.privacy.consumer import CONSUMER_SCHEMAS, consumer_message, for_consumer, leaks
from streams.privacy.keyfile import pseudonym_key
from streams.privacy.tokens import DOMAINS, MIN_KEY_BYTES, PrivacyError, check_key, is_token, pseudonym

__all__ = ["CONSUMER_SCHEMAS", "DOMAINS", "MIN_KEY_BYTES", "PrivacyError", "check_key", "consumer_message",
           "for_consumer", "is_token", "leaks", "pseudonym", "pseudonym_key"]
