"""Normal users of policyqa for locust: staff asking, searching, chatting; enterprises checking fit.

Each simulated user sends its own X-Forwarded-For, as users behind the reverse proxy arrive:
the per-client rate limit then applies per user, as it does in production.
"""

from __future__ import annotations

import itertools
import random

from locust import HttpUser, between, task

from eval.gold import load_gold

QUESTIONS = [item.question for item in load_gold()]
PROFILES = [
    "我们是德清县的一家地理信息企业，想了解研发补助和人才政策",
    "长兴县新能源汽车零部件制造企业，计划扩大产能",
    "安吉县文旅企业，想参与长三角旅游合作",
    "南浔区的物流企业，关注多式联运和港口建设",
]
_addresses = itertools.count(1)


class PolicyUser(HttpUser):
    wait_time = between(0.5, 2.0)  # a person reads the answer before asking again

    def on_start(self) -> None:
        n = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.0.{n // 250}.{n % 250 + 1}"

    @task(5)
    def ask(self) -> None:
        self.client.post("/api/ask", json={"question": random.choice(QUESTIONS)}, name="ask")

    @task(2)
    def search(self) -> None:
        self.client.post("/api/search", json={"query": random.choice(QUESTIONS)}, name="search")

    @task(1)
    def fit(self) -> None:
        self.client.post("/api/fit", json={"profile": random.choice(PROFILES)}, name="fit")

    @task(2)
    def chat(self) -> None:
        first, follow = random.sample(QUESTIONS, 2)
        messages = [
            {"role": "user", "content": first},
            {"role": "assistant", "content": "（上一轮回答）"},
            {"role": "user", "content": follow},
        ]
        self.client.post("/v1/chat/completions", json={"model": "policyqa", "messages": messages}, name="chat")
