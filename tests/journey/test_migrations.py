from sqlalchemy import Engine, inspect

from journey.db import (
    Base,
    current_revision,
    head_revision,
    import_all_models,
    make_engine,
    migrate,
)


def test_migrations_build_every_table_from_empty(engine: Engine) -> None:
    """The session engine was migrated from an empty database (SQLite or PostgreSQL)."""
    import_all_models()
    assert current_revision(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrating_twice_is_a_no_op(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/twice.db")
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()


def test_models_match_the_migrations(engine: Engine) -> None:
    """No model change without a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import_all_models()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
