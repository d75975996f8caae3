"""The FastAPI app factory and composition root: picks the store, queue and notifier."""

import gc
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from openmsk import notify_jobs  # noqa: F401 - registers the notify.send job
from openmsk.auth.secrets import LinkSigner
from openmsk.auth.throttle import AttemptThrottle
from openmsk.config import Settings, get_settings
from openmsk.console.rendering import html_error
from openmsk.db import Database
from openmsk.errors import install_error_handlers
from openmsk.jobs.inprocess import InProcessQueue
from openmsk.jobs.registry import JobContext, JobQueue
from openmsk.jobs.scheduler import Scheduler, redis_claim
from openmsk.logs import configure_logging
from openmsk.memory import keep_freed_memory
from openmsk.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from openmsk.notify import Notifier, make_notifier

STATIC_DIR = Path(__file__).parent / "console" / "static"


@dataclass
class Services:
    """Everything the app and the workers share, built once per process."""

    settings: Settings
    db: Database
    notifier: Notifier
    queue: JobQueue
    context: JobContext


def build_services(settings: Settings, *, notifier: Notifier | None = None,
                   db: Database | None = None) -> Services:
    """Compose the store, notifier and job queue the settings ask for."""
    db = db or Database(settings.resolved_database_url())
    notifier = notifier or make_notifier(settings)
    context = JobContext(db=db, notifier=notifier, settings=settings)
    if settings.redis_url:
        from openmsk.jobs.redisqueue import RedisQueue

        queue: JobQueue = RedisQueue(settings.redis_url, context, namespace=settings.redis_namespace)
    else:
        queue = InProcessQueue(context)
    context.queue = queue
    _register_jobs()
    return Services(settings=settings, db=db, notifier=notifier, queue=queue, context=context)


def _register_jobs() -> None:
    """Import every capability's jobs.py so that workers know each job and schedule by name."""
    from openmsk.capabilities import modules

    list(modules("jobs"))


def create_app(settings: Settings | None = None, *, services: Services | None = None,
               run_scheduler: bool = False) -> FastAPI:
    """Build the app; tests pass their own services, `openmsk serve` runs the scheduler."""
    settings = settings or (services.settings if services else get_settings())
    services = services or build_services(settings)
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        scheduler = None
        if run_scheduler:
            claim = redis_claim(settings.redis_url) if settings.redis_url else None
            scheduler = Scheduler(services.queue, claim=claim).start()
        # Modules, templates and specs loaded at start-up live for the whole process; moving them out of
        # the collector's reach keeps full collections (tens of ms) from stalling live streams.
        gc.freeze()
        keep_freed_memory()  # long-running: memory freed by one request's arrays serves the next
        yield
        if scheduler:
            scheduler.stop()

    app = FastAPI(title="OpenMSK", version="0.1.0", lifespan=lifespan,
                  description="Whole-person digital clinic for musculoskeletal pain.")
    bind_services(app, services)
    install_error_handlers(app)
    app.state.html_error = html_error
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    _include_routers(app)
    for static in sorted(Path(__file__).parent.glob("*/static")):
        if static.parent.name != "console":  # each capability's own assets under /static/<name>/
            app.mount(f"/static/{static.parent.name}", StaticFiles(directory=static), name=f"static-{static.parent.name}")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def bind_services(app: FastAPI, services: Services) -> None:
    """Point the app at a set of services; routes read them from app.state on every request."""
    app.state.settings = services.settings
    app.state.db = services.db
    app.state.queue = services.queue
    app.state.notifier = services.notifier
    app.state.signer = LinkSigner(services.settings.resolved_secret_key())
    app.state.throttle = AttemptThrottle()


# Capabilities whose routes take machine traffic (FHIR notifications and API, the worklist stream) come first.
# A request tries the routers in order, and with FastAPI's lazily included routers every route tried costs a
# few microseconds (an effective-route context set and restored per candidate; the chosen router is matched
# twice): ~140 routes before the feed endpoint were ~0.9 ms a request. Safe because Starlette takes the first
# full match and no other router serves these routers' paths (`tests/integration/test_escalation_feed_routes.py`).
HOT_FIRST = ("interop", "escalation")


def _include_routers(app: FastAPI) -> None:
    from openmsk import health
    from openmsk.capabilities import modules

    app.include_router(health.router)
    views = list(modules("views"))
    rank = {name: index for index, name in enumerate(HOT_FIRST)}
    for module in sorted(views, key=lambda m: rank.get(m.__name__.split(".")[1], len(rank))):
        app.include_router(module.router)
