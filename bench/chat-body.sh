# Sourced by bench/gateways.sh and bench/thread-cpu-windows.sh: ../shared/bench/run.sh's request.
chat_body() {  # chat_body json|stream: run.sh's request (a system and a user message, max_tokens 64); __N__ where
  # post.lua puts a per-request nonce
  printf '{"model":"gpt-4o-mini",%s"messages":[{"role":"system","content":"You are a concise assistant."},' \
    "$([[ $1 == stream ]] && echo '"stream":true,')"
  printf '{"role":"user","content":"What is the capital of France? Answer in one sentence.__N__"}],"max_tokens":64,"temperature":0.2}'
}
