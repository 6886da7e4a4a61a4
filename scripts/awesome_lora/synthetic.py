"""Realistic synthetic lists, for the size tests and the benchmark: nothing here is ever published.

The mix follows the real list: most papers on arXiv, a fifth published elsewhere, 1–3 categories spread over
the whole taxonomy, some code links, accented and non-Latin author names, an occasional awkward title.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

from .editor_schema import MODELINE
from .taxonomy import Taxonomy
from .yamlfile import dump_yaml

GIVEN = ["Ahmet", "Zoë", "José", "Yuki", "Chen", "Priya", "Łukasz", "Søren", "Anaïs", "Mohammed", "Wei", "Olga",
         "François", "Björn", "Ngozi", "Tomás", "Hyunwoo", "Dmitrii", "Ana", "Kwame"]  # fmt: skip
FAMILY = ["Üstün", "Sáez de Ocáriz Borde", "Nguyễn", "Müller", "O'Neil", "Zhang", "García", "Kowalski",
          "Østergaard", "Li", "Dubois", "Ivanova", "Okafor", "Kim", "Patel", "Wang", "Rossi", "Smith",
          "Mensah", "Hernández"]  # fmt: skip
WORDS = ["Low-Rank", "Adaptation", "LoRA", "Efficient", "Fine-Tuning", "Sparse", "Mixture", "Experts", "Quantized",
         "Federated", "Rank", "Allocation", "Adapters", "Vision", "Language", "Models", "Diffusion", "Scaling",
         "Gradient", "Subspace", "Orthogonal", "Tensor", "Continual", "Multi-Task", "Memory", "Serving"]  # fmt: skip
VENUES = ["ICLR", "NeurIPS", "ICML", "ACL", "EMNLP", "CVPR", "AAAI", "NAACL", "COLM"]
AWKWARD = ["C++ & *Stars*: [A] <Study> | of $x_1$", "Über-Efficient LoRA — a “Test”", "LoRA: 数据 and Models"]


def synthetic_records(count: int, taxonomy: Taxonomy, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` valid records (as written to YAML), the same for the same arguments."""
    rng = random.Random(seed)
    leaves = list(taxonomy.leaf_ids)
    records = []
    for number in range(count):
        year, month = rng.randint(2019, 2026), rng.randint(1, 9)
        title = " ".join(rng.sample(WORDS, rng.randint(4, 9)))
        if number % 97 == 0:
            title = f"{AWKWARD[number % len(AWKWARD)]} {number}"
        record: dict[str, Any] = {
            "id": f"paper-{number:05d}",
            "title": f"{title} {number}",
            "authors": [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.randint(1, 8))],
            "venue": f"{rng.choice(VENUES)} {year}" if rng.random() < 0.45 else "preprint",
            "date": f"{year}-{month:02d}",
        }
        if rng.random() < 0.8:
            record["arxiv"] = f"{year % 100:02d}{month:02d}.{number:05d}"
        else:
            record["pdf"] = f"https://openreview.net/pdf?id=synthetic{number}"
        if rng.random() < 0.5:
            record["code"] = [f"https://github.com/lab{number % 50}/project-{number}"]
        record["categories"] = rng.sample(leaves, rng.randint(1, 3))
        if rng.random() < 0.3:
            record["architecture"], record["size"] = rng.choice(["DecoderOnly", "EncoderOnly"]), "LLM"
        record["added"] = dt.date(2024, 1, 1) + dt.timedelta(days=number * 900 // count)  # spread over 900 days
        records.append(record)
    return records


def write_synthetic_project(root: Path, count: int, repo: Path, seed: int = 7) -> Path:
    """A project folder with the real taxonomy and templates and ``count`` synthetic records."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(repo / "templates", root / "templates", dirs_exist_ok=True)
    papers = root / "papers"
    papers.mkdir(exist_ok=True)
    for record in synthetic_records(count, Taxonomy.load(root / "taxonomy.yaml"), seed):
        (papers / f"{record['id']}.yaml").write_text(f"{MODELINE}\n{dump_yaml(record)}", encoding="utf-8")
    return root
