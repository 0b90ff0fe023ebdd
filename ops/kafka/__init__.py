"""Kafka: the connection every client uses, and a real local broker started from Maven jars."""
