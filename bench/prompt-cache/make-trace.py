#!/usr/bin/env python3
"""Writes agent-trace.json: a recorded 20-turn agent conversation for the prompt-cache replay.

A support agent for a fictional logistics company: a system prompt of about 3,000 tokens, 10 tools,
and 20 requests. Each request is the conversation so far; `append` holds the messages the agent
added since the previous request (the previous answer, tool calls and their results, the next user
message). Deterministic: run it again and the file is the same. No real data; all text is made up.
"""
import json
import random
import sys

rng = random.Random(23)

AREAS = ["shipment tracking", "customs paperwork", "warehouse slots", "carrier claims", "invoice disputes",
         "hazardous goods", "temperature-controlled freight", "last-mile delivery", "returns", "account access",
         "pallet labelling", "cross-dock transfers"]
VERBS = ["check", "confirm", "record", "escalate", "explain", "verify", "summarise", "cite", "quote", "log"]
OBJECTS = ["the order number", "the consignment note", "the customer's account tier", "the carrier's SLA",
           "the incoterm on the booking", "the declared value", "the delivery window", "the depot code",
           "the claim reference", "the proof of delivery"]
CLAUSES = ["before you promise a date", "unless the customer is on the enterprise plan",
           "when the parcel crossed a border", "if the tracking feed is older than six hours",
           "whenever money is refunded", "even when the customer insists", "for every damaged item",
           "when two carriers handled the freight", "if the warehouse reports a stock discrepancy",
           "before closing the conversation"]


def sentence():
    return (f"Always {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CLAUSES)}, "
            f"and {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CLAUSES)}.")


def system_prompt():
    parts = ["You are Atlas, the support agent of Northwind Freight, a made-up logistics company. "
             "You answer customers and staff about shipments, warehouses, customs and billing. "
             "Use the tools to look facts up; never guess a tracking status, a price or a date."]
    for i, area in enumerate(AREAS, 1):
        parts.append(f"\n\n## {i}. Policy on {area}\n")
        parts.append(" ".join(sentence() for _ in range(7)))
    parts.append("\n\n## Style\nAnswer in short paragraphs. Quote reference numbers exactly. "
                 "Say which tool a fact came from. Offer one next step at the end.")
    return "".join(parts)


TOOL_NAMES = ["track_shipment", "get_order", "list_warehouse_slots", "book_warehouse_slot", "open_claim",
              "get_invoice", "check_customs_status", "quote_rate", "update_delivery_window", "escalate_case"]


def tools():
    out = []
    for name in TOOL_NAMES:
        words = name.replace("_", " ")
        props = {
            "reference": {"type": "string", "description": f"The reference the {words} call needs: "
                          "an order number (NW-123456), a consignment note (CN-1234-5678) or a claim id."},
            "account_id": {"type": "string", "description": "The customer's account, as shown in the portal."},
            "reason": {"type": "string", "description": "Why the agent calls it, in one sentence, for the audit log."},
            "include_history": {"type": "boolean", "description": "Whether to return earlier events as well."},
        }
        description = (f"{words.capitalize()}. " + " ".join(sentence() for _ in range(4))
                       + " Returns JSON; errors come back as {\"error\": ...}.")
        out.append({"type": "function", "function": {
            "name": name, "description": description,
            "parameters": {"type": "object", "properties": props, "required": ["reference", "reason"]}}})
    return out


def user_message(i):
    ref = f"NW-{100000 + rng.randrange(900000)}"
    asks = [f"Where is order {ref}? The customer says it is late.",
            f"Can you check customs for {ref}? It has been held since Monday.",
            f"Please book a slot at the Leeds depot for {ref} next week.",
            f"The pallet on {ref} arrived damaged, open a claim please.",
            f"Why was invoice for {ref} charged twice?",
            f"Quote a rate for 3 pallets like {ref} to Rotterdam.",
            f"Move the delivery window of {ref} to Friday morning.",
            f"Summarise everything we know about {ref} for the account manager."]
    return asks[i % len(asks)] + " " + " ".join(sentence() for _ in range(2))


def tool_result(name, i):
    events = [{"at": f"2025-08-{10 + (i + k) % 18:02d}T{8 + k}:15:00Z", "event": rng.choice(
        ["picked up", "at depot", "in transit", "held at customs", "out for delivery", "delivered", "exception"]),
        "depot": rng.choice(["LDS", "RTM", "HAM", "LYS", "MAD"])} for k in range(6)]
    return json.dumps({"tool": name, "status": "ok", "events": events,
                       "note": " ".join(sentence() for _ in range(2))})


def answer(i):
    return (f"Here is what I found for request {i + 1}. " + " ".join(sentence() for _ in range(3))
            + " Next step: I can escalate this to the depot if you want.")


def main():
    turns = []
    pending = []  # messages to append before the next request
    for i in range(20):
        if i % 2 == 0:
            # a user turn: the previous answer, then the user's question
            pending.append({"role": "user", "content": user_message(i)})
            turns.append({"append": pending})
            pending = []
        else:
            # the agent's second request of the turn: its tool call and the tool's result
            name = TOOL_NAMES[i % len(TOOL_NAMES)]
            call_id = f"call_{i:03d}"
            pending.append({"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function", "function": {
                    "name": name, "arguments": json.dumps({"reference": f"NW-{200000 + i}", "reason": "look it up"})}}]})
            pending.append({"role": "tool", "tool_call_id": call_id, "content": tool_result(name, i)})
            turns.append({"append": pending})
            pending = [{"role": "assistant", "content": answer(i)}]
    trace = {"description": "Made-up 20-request support-agent conversation for the prompt-cache replay "
                            "(bench/prompt-cache/make-trace.py).",
             "system": system_prompt(), "tools": tools(), "turns": turns}
    json.dump(trace, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
