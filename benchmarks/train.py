"""Benchmark: training steps of `poster_cnn`'s network on 150×101 posters, channels-last against NCHW.

Same network, same batches, same threads, in one process: `ours` is `ConvNet` as shipped (weights and
activations channels-last, which oneDNN's convolutions and max-pools prefer), `reference` the same layers
converted back to the default NCHW layout. Random uint8 images stand in for posters: a step's cost does
not depend on what the pixels show. Also checks that the two layouts compute the same loss.

    python benchmarks/train.py [--steps 40] [--batch 32] [--size 150x101] [--width 16]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from baselines.models.poster_cnn import ConvNet, conv_for  # noqa: E402
from baselines.torch_utils import seed_everything  # noqa: E402


def reference_net(h: int, w: int, width: int) -> ConvNet:
    """The reference: the same network with its weights and inputs left in torch's default NCHW layout."""
    net = conv_for(h, w, 3, 25, base=width).to(memory_format=torch.contiguous_format)

    def embed(x: torch.Tensor) -> torch.Tensor:
        return net.features(x.float() / 255.0 - 0.5)

    net.embed = embed  # the instance attribute wins over ConvNet.embed, which converts to channels-last
    return net


def steps_per_second(net: torch.nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], rounds: int = 3) -> float:
    """Best steps/s over `rounds` passes: Adam steps on a BCE loss, as `fit_loop` takes them."""
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    net.train()

    def run(some: list[tuple[torch.Tensor, torch.Tensor]]) -> float:
        start = time.perf_counter()
        for x, y in some:
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        return time.perf_counter() - start

    run(batches[:3])  # warm-up: oneDNN picks its kernels on the first calls
    return max(len(batches) / run(batches) for _ in range(rounds))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", default="150x101", help="HxW of the posters")
    ap.add_argument("--width", type=int, default=16, help="poster_cnn's `width` (first block's channels)")
    args = ap.parse_args(argv)
    try:
        h, w = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        ap.error(f"--size {args.size!r} is not HEIGHTxWIDTH in pixels, e.g. 150x101")
    seed_everything(0)
    gen = torch.Generator().manual_seed(0)
    batches = [(torch.randint(0, 256, (args.batch, 3, h, w), dtype=torch.uint8, generator=gen),
                (torch.rand(args.batch, 25, generator=gen) < 0.1).float()) for _ in range(args.steps)]

    ours = conv_for(h, w, 3, 25, base=args.width)
    ours.flip = False  # the reference does no augmentation either: both take the same work per step
    reference = reference_net(h, w, args.width)
    reference.load_state_dict(ours.state_dict())
    ours.eval()
    reference.eval()
    with torch.no_grad():
        x = batches[0][0]
        gap = float((ours(x) - reference(x)).abs().max())

    print(f"poster_cnn network, {h}x{w}, width {args.width}, batch {args.batch}, {args.steps} steps, "
          f"{torch.get_num_threads()} threads; max |output difference| between layouts {gap:.1e}")
    rates = {}
    for name, net in (("reference NCHW", reference), ("ours channels-last", ours)):
        rates[name] = steps_per_second(net, batches)
        print(f"  {name:<20} {rates[name]:6.2f} steps/s  {rates[name] * args.batch:7.0f} images/s")
    ratio = rates["ours channels-last"] / rates["reference NCHW"]
    print(f"ours / reference: {ratio:.2f}x")


if __name__ == "__main__":
    main()
