import torch

# Tiny test networks are 20-60x slower with 2 intra-op threads on a busy 2-core machine;
# one thread keeps the suite fast and its timings stable.
torch.set_num_threads(1)
