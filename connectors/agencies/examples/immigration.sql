-- Immigration Bureau tables read by the hub's SQL source (SQLite and PostgreSQL).
-- Timestamps are Bangkok local time without a zone, as the bureau's applications write them.
-- birth_date is text: ISO (1990-05-17) or a year only (1990). province codes are DOPA codes ('63' Tak).
-- The hub polls each table by (updated_at, id); see connectors/agencies/NATIVE.md.

CREATE TABLE crossings (
    id               INTEGER      PRIMARY KEY,
    updated_at       TIMESTAMP    NOT NULL,
    crossed_at       TIMESTAMP    NOT NULL,
    checkpoint       VARCHAR(120) NOT NULL,
    checkpoint_code  VARCHAR(16),
    province_code    VARCHAR(2)   NOT NULL,
    direction        VARCHAR(3)   NOT NULL CHECK (direction IN ('IN', 'OUT')),
    doc_type         VARCHAR(16)  NOT NULL,
    doc_no           VARCHAR(32),
    doc_country      VARCHAR(3),
    foreign_country  VARCHAR(3),
    first_name       VARCHAR(100),
    last_name        VARCHAR(100),
    name_th          VARCHAR(200),
    nationality      VARCHAR(60),
    birth_date       VARCHAR(10),
    sex              VARCHAR(1)
);
CREATE INDEX crossings_updated ON crossings (updated_at, id);

CREATE TABLE detentions (
    id               INTEGER      PRIMARY KEY,
    updated_at       TIMESTAMP    NOT NULL,
    detention_no     VARCHAR(32),
    admitted_at      TIMESTAMP    NOT NULL,
    released_at      TIMESTAMP,
    released_to      VARCHAR(200),
    idc_name         VARCHAR(120) NOT NULL,
    province_code    VARCHAR(2)   NOT NULL,
    reason           VARCHAR(200),
    doc_type         VARCHAR(16),
    doc_no           VARCHAR(32),
    doc_country      VARCHAR(3),
    first_name       VARCHAR(100),
    last_name        VARCHAR(100),
    name_th          VARCHAR(200),
    nationality      VARCHAR(60),
    birth_date       VARCHAR(10),
    sex              VARCHAR(1)
);
CREATE INDEX detentions_updated ON detentions (updated_at, id);

CREATE TABLE deportations (
    id                   INTEGER      PRIMARY KEY,
    updated_at           TIMESTAMP    NOT NULL,
    deportation_no       VARCHAR(32),
    detention_id         INTEGER,
    status               VARCHAR(10)  NOT NULL CHECK (status IN ('SCHEDULED', 'EXECUTED', 'CANCELLED', 'HELD')),
    scheduled_date       TIMESTAMP,
    executed_at          TIMESTAMP,
    destination          VARCHAR(60)  NOT NULL,
    checkpoint           VARCHAR(120),
    checkpoint_province  VARCHAR(2),
    handed_over_to       VARCHAR(200),
    halt_reason          VARCHAR(200),
    province_code        VARCHAR(2)   NOT NULL,
    doc_type             VARCHAR(16),
    doc_no               VARCHAR(32),
    doc_country          VARCHAR(3),
    first_name           VARCHAR(100),
    last_name            VARCHAR(100),
    name_th              VARCHAR(200),
    nationality          VARCHAR(60),
    birth_date           VARCHAR(10),
    sex                  VARCHAR(1)
);
CREATE INDEX deportations_updated ON deportations (updated_at, id);

INSERT INTO crossings (id, updated_at, crossed_at, checkpoint, checkpoint_code, province_code, direction, doc_type,
                       doc_no, doc_country, foreign_country, first_name, last_name, name_th, nationality, birth_date, sex)
VALUES
    (4411, '2025-02-20 09:14:05', '2025-02-20 09:12:00', 'Mae Sai Friendship Bridge 1', 'MSI-1', '57', 'IN',
     'BORDER_PASS', 'TC-0098812', 'MM', 'MM', 'AYE AYE', 'KHAING', NULL, 'MM', '2008', 'F'),
    (4412, '2025-02-20 10:02:41', '2025-02-20 10:01:00', 'Mae Sai Friendship Bridge 1', 'MSI-1', '57', 'IN',
     'PASSPORT', 'MA123456', 'MMR', 'MMR', 'KYAW KYAW', 'OO', NULL, 'Myanmar', '1988-06-14', 'M'),
    (4520, '2025-03-21 16:45:10', '2025-03-21 16:40:00', 'Mae Sot Friendship Bridge', 'MST-1', '63', 'OUT',
     'ID_CARD', '3100500678913', 'TH', 'MM', 'BOONMEE', 'SAENGTHONG', 'บุญมี แสงทอง', 'TH', '1972', 'F');

INSERT INTO detentions (id, updated_at, detention_no, admitted_at, idc_name, province_code, reason, doc_type, doc_no,
                        doc_country, first_name, last_name, name_th, nationality, birth_date, sex)
VALUES
    (2214, '2025-03-04 14:20:00', 'SPL-2568-002214', '2025-03-04 13:05:00', 'Suan Phlu IDC (ตม.สวนพลู)', '10',
     'illegal entry', NULL, NULL, NULL, 'MIN', 'THU', 'มิน ทู', 'Myanmar', '1999', 'M'),
    (2215, '2025-03-05 08:30:00', 'SPL-2568-002215', '2025-03-05 07:55:00', 'Suan Phlu IDC (ตม.สวนพลู)', '10',
     'overstay', 'PASSPORT', 'N0123456', 'KHM', 'SOKHA', 'CHAN', NULL, 'Cambodia', '1995-02-01', 'M');

INSERT INTO detentions (id, updated_at, detention_no, admitted_at, released_at, released_to, idc_name, province_code,
                        reason, doc_type, doc_no, doc_country, first_name, last_name, name_th, nationality, birth_date,
                        sex)
VALUES
    (2216, '2025-03-09 10:15:00', 'SPL-2568-002216', '2025-03-06 09:00:00', '2025-03-09 10:00:00',
     'บ้านพักเด็กและครอบครัว กรุงเทพมหานคร (shelter, MDT screening)', 'Suan Phlu IDC (ตม.สวนพลู)', '10',
     'illegal entry', NULL, NULL, NULL, 'NANDAR', NULL, 'นันดา', 'Myanmar', '2001', 'F');

INSERT INTO deportations (id, updated_at, deportation_no, detention_id, status, scheduled_date, executed_at,
                          destination, checkpoint, checkpoint_province, handed_over_to, province_code, doc_type,
                          doc_no, doc_country, first_name, last_name, name_th, nationality, birth_date, sex)
VALUES
    (731, '2025-03-06 11:00:00', 'DEP-2568-000731', 2214, 'SCHEDULED', '2025-03-12 08:00:00', NULL, 'MM',
     'Mae Sot Friendship Bridge', '63', NULL, '10', NULL, NULL, NULL, 'MIN', 'THU', 'มิน ทู', 'Myanmar', '1999', 'M'),
    (732, '2025-03-12 15:40:00', 'DEP-2568-000732', 2215, 'EXECUTED', '2025-03-12', '2025-03-12 14:10:00',
     'Cambodia', 'Aranyaprathet (Ban Khlong Luek)', '27', 'Poipet immigration', '10', 'PASSPORT', 'N0123456', 'KH',
     'SOKHA', 'CHAN', NULL, 'KHM', '1995-02-01', 'M'),
    (733, '2025-03-07 09:30:00', 'DEP-2568-000733', 2216, 'HELD', '2025-03-10 08:00:00', NULL, 'MM',
     'Mae Sot Friendship Bridge', '63', NULL, '10', NULL, NULL, NULL, 'NANDAR', NULL, 'นันดา', 'Myanmar', '2001', 'F');
