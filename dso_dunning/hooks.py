from .models.account_move_line import add_dunning_item_columns


def pre_init_hook(env):
    """Create the journal items' dunning columns in SQL before the ORM would
    compute them one record at a time (see ``add_dunning_item_columns``)."""
    add_dunning_item_columns(env.cr)


def post_init_hook(env):
    """Wake the KPI snapshot job: its first run backfills twelve months from the journal.

    In the background rather than here: on a large ledger the backfill takes
    minutes, commits period by period and resumes where it stopped.
    """
    env.ref("dso_dunning.ir_cron_dso_dunning_kpi_snapshot")._trigger()
