"""The ground floor every process stands on: one settings object, the Kafka connection and its
clients, each principal's credentials, private files, and how a process stops and dies with its
parent. It imports nothing of the hub but itself (and, like everything, may use `schemas`)."""
