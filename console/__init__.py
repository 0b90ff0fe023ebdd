"""The operator console, the partner API and the audit log (issue 5).

    from console.server import start_console, serve      # aiohttp app + Kafka edges, from settings

| module | what | pure? |
| --- | --- | --- |
| `roles` | the four roles, permissions, province scope | yes |
| `credentials`, `lockout`, `csrf` | password/token hashing, lock-out, CSRF decisions | yes |
| `dates`, `i18n`, `present` | B.E. dates, Thai/English words, masking | yes |
| `audit` | the hash chain: digests, verification | yes |
| `directory` | what is kept of a person in an intake event (names, masked identifiers) | yes |
| `store`, `accounts`, `auditlog`, `names` | the console's tables and their SQL | shell |
| `service` | scoped, audited reads and writes for pages and API | shell |
| `live` | alerts.v1 -> boards (SSE), actions -> operator.actions.v1 | shell |
| `metrics` | the console's Prometheus registry (`/metrics`): counts only, no names or ids | shell |
| `intake_feed` | intake.<agency>.v1 -> the person directory | shell |
| `server`, `demo` | start / serve from settings; demo sign-ins | shell |
| `web`, `pages`, `api`, `openapi`, `render`, `acting` | the aiohttp application | shell |
| `command`, `users_command`, `audit_command` | `sanpalang console / users / audit` | CLI |

Nothing is imported here: ``sanpalang --help`` must stay instant and import nothing heavy.
"""

__all__: list[str] = []
