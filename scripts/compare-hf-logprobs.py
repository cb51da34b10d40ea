#!/usr/bin/env python3
# Usage: compare-hf-logprobs.py PATH/TO/podium [WORK_DIR]
# Parity check against Hugging Face transformers, not part of `make test`: run it from a
# venv (outside the repo) with torch and transformers from PyPI. It builds tiny random
# HF Llama (GQA), Falcon-7B-style and Falcon-40B-style models, saves them as safetensors,
# and compares HF's per-token log-probs with `podium logprobs --token-ids`.
import json, subprocess, sys, os
import torch
from transformers import LlamaConfig, LlamaForCausalLM, FalconConfig, FalconForCausalLM

podium = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/podium-hf-compare"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

def perturb_norms(model):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or "ln_" in name or "layernorm" in name:
                p.add_(torch.randn_like(p) * 0.1)

configs = {
    "llama-gqa": (LlamaForCausalLM, LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=160,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                  rms_norm_eps=1e-5, tie_word_embeddings=False)),
    "falcon-7b-style": (FalconForCausalLM, FalconConfig(vocab_size=300, hidden_size=64, num_hidden_layers=2,
                  num_attention_heads=4, multi_query=True, parallel_attn=True, bias=False, alibi=False,
                  new_decoder_architecture=False, max_position_embeddings=256)),
    "falcon-40b-style": (FalconForCausalLM, FalconConfig(vocab_size=300, hidden_size=64, num_hidden_layers=2,
                  num_attention_heads=8, num_kv_heads=2, parallel_attn=True, bias=False, alibi=False,
                  new_decoder_architecture=True, max_position_embeddings=256)),
}
tokens = torch.randint(0, 300, (1, 48), generator=torch.Generator().manual_seed(5))
for name, (cls, cfg) in configs.items():
    model = cls(cfg).float().eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.2) if p.dim() > 1 else None
    perturb_norms(model)
    path = f"{out}/{name}"
    model.save_pretrained(path, safe_serialization=True)
    with torch.no_grad():
        logits = model(tokens).logits.double()
    lp = torch.log_softmax(logits, -1)[0, :-1].gather(-1, tokens[0, 1:, None])[:, 0]
    ids = ",".join(str(int(t)) for t in tokens[0])
    r = subprocess.run([podium, "logprobs", "--model", path, "--token-ids", ids, "--json", "--threads", "2"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(name, "podium failed:", r.stderr); continue
    got = torch.tensor(json.loads(r.stdout)["logprobs"], dtype=torch.float64)
    diff = (got - lp).abs()
    print(f"{name:18s} tokens {len(got)}  max |podium - HF| {diff.max():.3e}  mean {diff.mean():.3e}  "
          f"sum HF {lp.sum():.6f} podium {got.sum():.6f}")
