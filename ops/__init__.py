"""Running the hub: settings, the ``sanpalang`` CLI, the local Kafka broker, topic administration."""
