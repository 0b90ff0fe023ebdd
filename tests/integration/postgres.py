"""The throwaway PostgreSQL server of the integration tests: `bench.scratch_postgres` (the benchmarks use it too)."""

from bench.scratch_postgres import (PostgresStartError, PostgresUnavailable, create_database, postgres_bin,  # noqa: F401
                                  start_postgres, stop_postgres)

__all__ = ["PostgresUnavailable", "PostgresStartError", "postgres_bin", "start_postgres", "stop_postgres",
           "create_database"]
