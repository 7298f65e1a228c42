"""Supporter round, the effective status made of human verdicts only, and the
official figures of an election.

``round`` is the round a supporter row arrived in: ``submission``,
``correction_1`` or ``correction_2`` (existing rows came in the submission).

The automatic check is a forecast, not a verification: from this revision the
effective status is the field verdict, else the administrative verdict, else
empty ("belum diverifikasi"), never the check's own. Rows nobody verified lose
the status the check gave them; their reasons (the forecast's) stay.

``election.official_threshold``, ``official_spread`` and ``official_party_votes``
hold the figures of the KPU decree (NULL while not entered).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


_OFFICIAL = ("official_threshold", "official_spread", "official_party_votes")


def upgrade() -> None:
    with op.batch_alter_table("election", schema=None) as batch_op:
        for name in _OFFICIAL:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("round", sa.String(length=16), nullable=False, server_default="submission")
        )
    op.execute(
        sa.text(
            "UPDATE supporter SET effective_status = ''"
            " WHERE admin_status = '' AND field_status = ''"
        )
    )


def downgrade() -> None:
    # The check's status was the effective one before this revision.
    op.execute(
        sa.text(
            "UPDATE supporter SET effective_status = check_status"
            " WHERE admin_status = '' AND field_status = ''"
        )
    )
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("round")
    with op.batch_alter_table("election", schema=None) as batch_op:
        for name in _OFFICIAL:
            batch_op.drop_column(name)
