"""The connector's partitioner gives aiokafka's answers: every record stays on the partition it always had."""

from __future__ import annotations

import random

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from connectors.partitioning import KeyPartitioner, murmur2


class TestMurmur2:
    def test_equals_aiokafkas_on_keys_of_every_length_up_to_300_bytes(self) -> None:
        rng = random.Random(20261126)
        for length in range(301):
            for _ in range(5):
                key = bytes(rng.randrange(256) for _ in range(length))
                assert murmur2(key) == aiokafka_murmur2(key), key

    def test_equals_aiokafkas_on_keys_of_high_bytes_only(self) -> None:
        for byte in (0x7F, 0x80, 0xFF):
            for length in range(40):
                key = bytes([byte]) * length
                assert murmur2(key) == aiokafka_murmur2(key)

    def test_equals_aiokafkas_on_intake_keys_in_thai(self) -> None:
        for i in range(2000):
            key = f"DLPW-LIS:INSP-74-2568-{i:04d}/สค.{i}".encode()
            assert murmur2(key) == aiokafka_murmur2(key)


class TestKeyPartitioner:
    def test_chooses_the_default_partitioners_partition_for_every_key(self) -> None:
        ours, theirs = KeyPartitioner(), DefaultPartitioner()
        for count in (1, 3, 4, 12):
            partitions = list(range(count))
            for i in range(3000):
                key = f"IMM-BORDER:crossings/{i}".encode()
                assert ours(key, partitions, partitions) == theirs(key, partitions, partitions)

    def test_sends_a_message_without_key_to_an_available_partition(self) -> None:
        ours = KeyPartitioner()
        assert {ours(None, [0, 1, 2, 3], [2]) for _ in range(50)} == {2}

    def test_sends_a_message_without_key_anywhere_when_no_partition_is_available(self) -> None:
        ours = KeyPartitioner()
        assert {ours(None, [0, 1], []) for _ in range(200)} == {0, 1}
