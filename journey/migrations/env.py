"""Alembic environment: the engine comes from journey.db (no alembic.ini, no env reading)."""

from alembic import context

from journey.db import Base, import_all_models

import_all_models()
engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
