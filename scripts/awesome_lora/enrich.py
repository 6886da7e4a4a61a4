"""Machine-fetched facts about the list, kept apart from the hand-curated records: ``data/enrichment.json``.

For each code link on GitHub: stars, the archived flag and the date of the last push (GitHub's REST API,
conditional on the ETag kept here, so an unchanged repository costs a free ``304``). For each paper with an
arXiv id: the citation count and venue Semantic Scholar knows (its batch endpoint, 500 papers a call).

The file is generated and regenerable: ``run_enrich(root)`` rewrites it whole, atomically, as deterministic
JSON (sorted keys, indent 2, trailing newline); the records stay the source of truth and are never touched.
What a network failure does: nothing is written, the previous file stays as it was. The one exception is
GitHub's rate limit, a planned stop: the repositories refreshed so far are merged with the previous data
(each item carries its own ``fetched`` date, so the file stays truthful) and the run exits non-zero.

Renderers read it through :mod:`awesome_lora.enrichment` (the file's model), which needs no HTTP client.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .catalog import Catalog, load_catalog
from .enrichment import ENRICHMENT_FILE, Enrichment, EnrichmentError, PaperData, RepoData, load_enrichment
from .files import write_atomic
from .github import GitHubClient, RateLimited, RepoNotFound, Repository
from .http import (
    DEFAULT_CACHE_AGE,
    RETRY_STATUSES,
    CacheUnavailable,
    NetworkError,
    OfflineError,
    cache_available,
    http_cache,
    make_session,
)
from .problems import Problem, Severity
from .records import Record
from .repourl import parse_repo_url, repo_key
from .semanticscholar import SemanticScholarClient


@dataclass
class EnrichResult:
    enrichment: Enrichment
    repositories_fetched: int = 0  # answered with data (200)
    repositories_unchanged: int = 0  # answered 304: the stored data is current
    repositories_kept: int = 0  # not refreshed (rate limit, or repositories=False): previous data kept
    papers_found: int = 0
    papers_unknown: int = 0  # Semantic Scholar answered null
    problems: list[Problem] = field(default_factory=list)  # located warnings: missing or renamed repositories
    stopped: str | None = None  # why the run stopped early (GitHub's rate limit)

    @property
    def complete(self) -> bool:
        return self.stopped is None


def _repository_uses(catalog: Catalog) -> dict[str, list[tuple[Record, int, str]]]:
    """Lower-cased repo key → every (record, index in `code`, key as first spelled), in file order."""
    uses: dict[str, list[tuple[Record, int, str]]] = {}
    for record in sorted(catalog.records, key=lambda r: r.display):
        for index, url in enumerate(record.paper.code):
            key = repo_key(url)
            if key:
                uses.setdefault(key.lower(), []).append((record, index, key))
    return uses


def _problem(record: Record, index: int, message: str) -> Problem:
    line = record.document.line_of(("code", index))
    return Problem(record.display, line, f"code[{index}]", message, "enrich", Severity.WARNING)


def _repo_data(repository: Repository, today: str) -> RepoData:
    return RepoData(
        full_name=repository.full_name,
        stars=repository.stars,
        archived=repository.archived,
        pushed_at=repository.pushed_at,
        etag=repository.etag,
        fetched=today,
    )


def _enrich_repositories(
    catalog: Catalog, previous: Enrichment, github: GitHubClient, today: str, result: EnrichResult
) -> dict[str, RepoData]:
    uses = _repository_uses(catalog)
    old = {key.lower(): value for key, value in previous.repositories.items()}
    # Oldest data first, so that runs cut short by the rate limit refresh everything in turn.
    order = sorted(uses, key=lambda lower: (old[lower].fetched if lower in old else "", lower))
    fresh: dict[str, RepoData] = {}
    stopped_at: int | None = None
    for position, lower in enumerate(order):
        record, index, key = uses[lower][0]
        if github.remaining == 0:  # the next request would be refused: stop before making it
            reset = f"; it resets at {github.reset:%H:%M} UTC" if github.reset else ""
            result.stopped, stopped_at = f"GitHub's API rate limit is exhausted{reset}", position
            break
        owner, repo = parse_repo_url(record.paper.code[index]) or ("", "")
        previous_data = old.get(lower)
        try:
            repository = github.repository(owner, repo, etag=previous_data.etag if previous_data else None)
        except RateLimited as error:
            result.stopped, stopped_at = str(error), position
            break
        except RepoNotFound as error:  # dropped from the file, reported where the link is
            result.problems += [_problem(record, index, str(error)) for record, index, _ in uses[lower]]
            continue
        if repository is None:  # 304 Not Modified (only asked with a stored ETag): what we have is current
            if previous_data is not None:
                fresh[key] = RepoData(**{**vars(previous_data), "fetched": today})
                result.repositories_unchanged += 1
            continue
        fresh[key] = _repo_data(repository, today)
        result.repositories_fetched += 1
        if repository.full_name.lower() != f"{owner}/{repo}".lower():
            message = f"GitHub repository {owner}/{repo} was renamed to {repository.full_name}; update the link"
            result.problems += [_problem(record, index, message) for record, index, _ in uses[lower]]
    if stopped_at is not None:  # keep the previous data of every repository not reached
        for lower in order[stopped_at:]:
            if lower in old:
                fresh[uses[lower][0][2]] = old[lower]
                result.repositories_kept += 1
    return fresh


def enrich(
    catalog: Catalog,
    previous: Enrichment | None = None,
    *,
    github: GitHubClient | None = None,
    s2: SemanticScholarClient | None = None,
    today: dt.date | None = None,
    repositories: bool = True,
    papers: bool = True,
) -> EnrichResult:
    """Fetch what is known about the catalog's repositories and papers; return the new enrichment.

    Entries are kept only for repositories and papers still in the list. ``repositories=False`` or
    ``papers=False`` keeps the previous data for that part instead of fetching it. Raises
    :class:`~awesome_lora.http.NetworkError` (nothing to write) for any failure but GitHub's rate limit,
    which stops the GitHub part cleanly (see :attr:`EnrichResult.stopped`).
    """
    previous = previous or Enrichment()
    day = (today or dt.date.today()).isoformat()
    result = EnrichResult(Enrichment())
    if repositories:
        repos = _enrich_repositories(catalog, previous, github or GitHubClient(), day, result)
    else:
        old = {key.lower(): value for key, value in previous.repositories.items()}
        repos = {uses[0][2]: old[lower] for lower, uses in _repository_uses(catalog).items() if lower in old}
        result.repositories_kept = len(repos)
    ids = {record.paper.id: record.paper.arxiv for record in catalog.records if record.paper.arxiv}
    if papers:
        found = (s2 or SemanticScholarClient()).arxiv_papers(sorted(set(ids.values())))
        paper_data = {
            paper_id: PaperData(citations=found[arxiv].citations, s2_venue=found[arxiv].venue, fetched=day)
            for paper_id, arxiv in ids.items()
            if arxiv in found
        }
        result.papers_found = len(paper_data)
        result.papers_unknown = len(ids) - len(paper_data)
    else:
        paper_data = {paper_id: data for paper_id in ids if (data := previous.paper(paper_id)) is not None}
    result.enrichment = Enrichment(paper_data, repos)
    result.problems.sort()
    return result


def _sessions(root: Path, cache: bool, max_age: dt.timedelta, refresh: bool, err: TextIO):
    """Sessions for GitHub and Semantic Scholar, behind the on-disk HTTP cache when it is available."""
    settings = http_cache(root, max_age, ("GET", "HEAD", "POST"), refresh=refresh) if cache else None
    if settings is not None and not cache_available():
        print("note: no HTTP cache (requests-cache is not installed); every answer is fetched", file=err)
        settings = None
    try:
        github = make_session(retry_statuses=RETRY_STATUSES - {429}, cache=settings)
        s2 = make_session(retry_methods={"GET", "HEAD", "POST"}, cache=settings)
    except CacheUnavailable as error:  # pragma: no cover - cache_available() said yes
        print(f"note: {error}", file=err)
        github = make_session(retry_statuses=RETRY_STATUSES - {429})
        s2 = make_session(retry_methods={"GET", "HEAD", "POST"})
    return github, s2


def run_enrich(
    root: Path,
    *,
    cache: bool = True,
    max_age: dt.timedelta = DEFAULT_CACHE_AGE,
    refresh: bool = False,
    repositories: bool = True,
    papers: bool = True,
    github: GitHubClient | None = None,
    s2: SemanticScholarClient | None = None,
    today: dt.date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``awesome-lora enrich``: fetch, then rewrite ``data/enrichment.json`` atomically; the exit status.

    0 when done; 1 when the records have errors, the network failed (nothing written, the old file is kept
    whole) or GitHub's rate limit stopped the run (what was fetched is kept, merged with the old data).
    ``cache`` puts the HTTP cache (``.cache/awesome-lora/http-cache.sqlite``, entries ``max_age`` old at
    most, then revalidated) in front of both APIs when requests-cache is installed.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    catalog = load_catalog(root)
    errors = [problem for problem in catalog.problems if problem.severity is Severity.ERROR]
    if errors:
        for problem in errors:
            print(problem, file=err)
        print(f"error: {len(errors)} problem(s) in the records; fix them first (nothing was fetched)", file=err)
        return 1
    try:
        previous = load_enrichment(root)
    except EnrichmentError as error:
        print(f"warning: {error}; starting afresh", file=err)
        previous = Enrichment()
    if github is None or s2 is None:
        github_session, s2_session = _sessions(root, cache, max_age, refresh, err)
        github = github or GitHubClient(github_session)
        s2 = s2 or SemanticScholarClient(s2_session)
    try:
        result = enrich(catalog, previous, github=github, s2=s2, today=today, repositories=repositories, papers=papers)
    except OfflineError as error:
        print(f"error: {error}\nenrich needs the network; nothing was written ({ENRICHMENT_FILE} is unchanged).",
              file=err)  # fmt: skip
        return 1
    except NetworkError as error:
        print(f"error: {error}\nnothing was written ({ENRICHMENT_FILE} is unchanged); try again later.", file=err)
        return 1
    for problem in result.problems:
        print(problem, file=err)
    path = root / ENRICHMENT_FILE
    text = result.enrichment.to_json()
    old_text = path.read_text(encoding="utf-8") if path.is_file() else None
    if text != old_text:
        write_atomic(path, text)
    enrichment = result.enrichment
    print(
        f"{ENRICHMENT_FILE}: {len(enrichment.repositories)} repositories "
        f"({result.repositories_fetched} updated, {result.repositories_unchanged} unchanged, "
        f"{result.repositories_kept} kept from before), {len(enrichment.papers)} papers "
        f"({result.papers_unknown} unknown to Semantic Scholar)" + ("" if text != old_text else "; file unchanged"),
        file=out,
    )
    if result.stopped:
        print(f"error: {result.stopped}. Stopped early; run again later to refresh the rest.", file=err)
        return 1
    return 0
