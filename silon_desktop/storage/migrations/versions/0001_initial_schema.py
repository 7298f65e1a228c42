"""Initial schema: synced entities, outbox, conflicts, receipts, sync state, local account.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 15:37:55.353802
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("mine", sa.JSON(), nullable=True),
        sa.Column("theirs", sa.JSON(), nullable=True),
        sa.Column("server_version", sa.Integer(), nullable=False),
        sa.Column("mutation_id", sa.String(length=36), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("resolved_value", sa.JSON(), nullable=True),
        sa.Column("resolution_mutation_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_record_id"), ["record_id"], unique=False)

    op.create_table(
        "election",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("dpt", sa.Integer(), nullable=True),
        sa.Column("subregion_count", sa.Integer(), nullable=True),
        sa.Column("rule_set", sa.String(length=40), nullable=False),
        sa.Column("support_start", sa.Date(), nullable=True),
        sa.Column("support_end", sa.Date(), nullable=True),
        sa.Column("vermin_end", sa.Date(), nullable=True),
        sa.Column("correction_end", sa.Date(), nullable=True),
        sa.Column("verfak_end", sa.Date(), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=True),
        sa.Column("penetapan_date", sa.Date(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election")),
    )
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_election_scope"), ["scope"], unique=False)

    op.create_table(
        "local_account",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("verifier", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("server_url", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_local_account")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mutation_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("acked_at", sa.DateTime(), nullable=True),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("via_bundle", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_outbox_mutation_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_state"), ["state"], unique=False)

    op.create_table(
        "receipt",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("server_time", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_receipt")),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "pair",
        sa.Column("election_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=False),
        sa.Column("deputy_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["election.id"], name=op.f("fk_pair_election_id_election")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair")),
    )
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pair_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pair_scope"), ["scope"], unique=False)

    op.create_table(
        "candidate",
        sa.Column("pair_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_place", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("education", sa.String(length=40), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("marital_status", sa.String(length=1), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"], name=op.f("fk_candidate_pair_id_pair")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_scope"), ["scope"], unique=False)

    op.create_table(
        "party",
        sa.Column("pair_id", sa.String(length=36), nullable=False),
        sa.Column("party_name", sa.String(length=100), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("votes", sa.Integer(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"], name=op.f("fk_party_pair_id_pair")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_scope"), ["scope"], unique=False)

    op.create_table(
        "supporter",
        sa.Column("pair_id", sa.String(length=36), nullable=False),
        sa.Column("nik", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_place", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("marital_status", sa.String(length=1), nullable=False),
        sa.Column("occupation", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("rt", sa.String(length=3), nullable=False),
        sa.Column("rw", sa.String(length=3), nullable=False),
        sa.Column("desa_code", sa.String(length=13), nullable=False),
        sa.Column("kecamatan_code", sa.String(length=8), nullable=False),
        sa.Column("kabkota_code", sa.String(length=5), nullable=False),
        sa.Column("has_id_scan", sa.Boolean(), nullable=False),
        sa.Column("nik_from_number", sa.Boolean(), nullable=False),
        sa.Column("check_status", sa.String(length=3), nullable=False),
        sa.Column("check_reasons", sa.JSON(), nullable=False),
        sa.Column("admin_status", sa.String(length=3), nullable=False),
        sa.Column("admin_reasons", sa.JSON(), nullable=False),
        sa.Column("admin_by", sa.String(length=64), nullable=False),
        sa.Column("admin_at", sa.DateTime(), nullable=True),
        sa.Column("field_status", sa.String(length=3), nullable=False),
        sa.Column("field_reasons", sa.JSON(), nullable=False),
        sa.Column("field_method", sa.String(length=20), nullable=False),
        sa.Column("field_by", sa.String(length=64), nullable=False),
        sa.Column("field_at", sa.DateTime(), nullable=True),
        sa.Column("external_duplicate", sa.Boolean(), nullable=False),
        sa.Column("effective_status", sa.String(length=3), nullable=False),
        sa.Column("effective_reasons", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["pair_id"], ["pair.id"], name=op.f("fk_supporter_pair_id_pair")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporter")),
    )
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.create_index("ix_supporter_pair_desa", ["pair_id", "desa_code"], unique=False)
        batch_op.create_index(
            "ix_supporter_pair_kecamatan", ["pair_id", "kecamatan_code"], unique=False
        )
        batch_op.create_index("ix_supporter_pair_name", ["pair_id", "name"], unique=False)
        batch_op.create_index("ix_supporter_pair_nik", ["pair_id", "nik"], unique=False)
        batch_op.create_index(
            "ix_supporter_pair_status", ["pair_id", "effective_status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_supporter_scope"), ["scope"], unique=False)

    op.create_table(
        "document",
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=13), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidate.id"], name=op.f("fk_document_candidate_id_candidate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_document_scope"), ["scope"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_scope"))
        batch_op.drop_index(batch_op.f("ix_document_candidate_id"))

    op.drop_table("document")
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supporter_scope"))
        batch_op.drop_index("ix_supporter_pair_status")
        batch_op.drop_index("ix_supporter_pair_nik")
        batch_op.drop_index("ix_supporter_pair_name")
        batch_op.drop_index("ix_supporter_pair_kecamatan")
        batch_op.drop_index("ix_supporter_pair_desa")

    op.drop_table("supporter")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_scope"))
        batch_op.drop_index(batch_op.f("ix_party_pair_id"))

    op.drop_table("party")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_scope"))
        batch_op.drop_index(batch_op.f("ix_candidate_pair_id"))

    op.drop_table("candidate")
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_scope"))
        batch_op.drop_index(batch_op.f("ix_pair_election_id"))

    op.drop_table("pair")
    op.drop_table("sync_state")
    op.drop_table("receipt")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_state"))
        batch_op.drop_index(batch_op.f("ix_outbox_record_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_batch_id"))

    op.drop_table("outbox")
    op.drop_table("local_account")
    with op.batch_alter_table("election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_election_scope"))

    op.drop_table("election")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_record_id"))

    op.drop_table("conflict")
