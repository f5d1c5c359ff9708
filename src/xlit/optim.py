"""AdamW for low-precision weights with fp32 optimizer state: the `bf16-pure` regime.

The authors' trainer keeps the weights in bf16 and only AdamW's moments in fp32; each update is computed
in fp32 from the upcast weight and written back, rounded to nearest, into the bf16 weight. An update
smaller than half a bf16 ulp of the weight (for a weight of 0.02, about 6e-5) is lost. This optimizer
reproduces that regime: it is torch's AdamW arithmetic with the state kept in fp32 whatever the
parameter's dtype. On fp32 parameters it computes what `torch.optim.AdamW` computes.

Works on plain tensors and on FSDP2's sharded DTensors (every operation is elementwise).
"""

from __future__ import annotations

import math

import torch


class AdamWFP32State(torch.optim.Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError(f"invalid AdamW hyperparameters lr={lr} betas={betas} eps={eps}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    def load_state_dict(self, state_dict):
        """torch casts a loaded state to its parameter's dtype: the moments must stay fp32 when a bf16 run resumes."""
        saved = {pid: dict(st) for pid, st in state_dict["state"].items()}
        ids = [pid for g in state_dict["param_groups"] for pid in g["params"]]
        super().load_state_dict(state_dict)
        params = [p for g in self.param_groups for p in g["params"]]
        for pid, p in zip(ids, params):
            for key in ("exp_avg", "exp_avg_sq"):
                if key in saved.get(pid, {}):
                    self.state[p][key] = saved[pid][key].to(device=p.device, dtype=torch.float32)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, dtype=torch.float32)
                    state["exp_avg_sq"] = torch.zeros_like(p, dtype=torch.float32)
                state["step"] += 1
                step = float(state["step"])
                grad = p.grad.float()
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.lerp_(grad, 1 - beta1)
                v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                w = p.float()  # the fp32 update of the (possibly bf16) weight
                w.mul_(1 - lr * wd)
                denom = (v.sqrt() / math.sqrt(1 - beta2**step)).add_(eps)
                w.addcdiv_(m, denom, value=-lr / (1 - beta1**step))
                p.copy_(w)  # rounds to nearest into the weight's dtype
        return loss


def changed_share(before: dict, after: dict) -> float:
    """Share of weights that differ between two state dicts ({name: tensor}), `before` rounded to the dtype
    of `after` first (so a bf16 model is compared with its bf16-rounded base): how many weights training
    actually moved. Names missing from either side are ignored."""
    changed = total = 0
    for name, b in after.items():
        if name not in before:
            continue
        a = before[name].to(b.dtype)
        changed += int((a != b).sum())
        total += b.numel()
    return changed / max(1, total)
