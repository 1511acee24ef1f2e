from pathlib import Path

from setuptools import find_packages, setup

CONFIG_PACKAGES = ["swap_plugin.configs", "swap_plugin.configs.naslib"]

setup(
    name="swap_plugin",
    version="0.1.0",
    description="SWAP-Score, regularised SWAP-Score and SWAP-NAS (ICLR 2024) for NASLib and standalone use",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8")
    if Path(__file__).with_name("README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    # configs/ stays at the top level and is shipped inside the package as swap_plugin.configs
    # (the same files in editable and wheel installs: swap_plugin.studies.config.config_dir)
    packages=find_packages(include=["swap_plugin", "swap_plugin.*"]) + CONFIG_PACKAGES,
    package_dir={"swap_plugin.configs": "configs"},
    package_data={**{p: ["*.yaml"] for p in CONFIG_PACKAGES},
                  # the 64 embedded CIFAR-10 test images: the default input where no data directory exists
                  "swap_plugin.data": ["default_images/*.npz", "default_images/*.txt"],
                  # the reference numbers of the paper and the anchors (swap_plugin.studies.paper_reference)
                  "swap_plugin.studies": ["paper_reference.yaml"]},
    install_requires=[
        "torch>=2.1",
        "numpy>=1.23",
        "scipy>=1.9",
        "tqdm>=4.60",
        "pyyaml>=6.0",
        "pandas>=1.5",
        "nasbench-pytorch>=1.3.1",
        "pillow>=9",
    ],
    extras_require={
        # torchvision, and what NASLib imports at module level on Python 3.11 (NASLib itself
        # is not on PyPI: its source goes on PYTHONPATH, see README); pybnn: naslib.predictors
        "naslib": ["torchvision", "ConfigSpace", "fvcore", "scikit-learn", "networkx", "pytorch-msssim",
                   "scikit-image", "transforms3d", "lightgbm", "ngboost", "xgboost", "emcee", "pyro-ppl",
                   "grakel", "six", "termcolor", "tensorwatch", "tornado", "seaborn", "matplotlib",
                   "pybnn"],
        "nb201api": ["nas-bench-201"],
        "nats": ["nats_bench"],
        "plot": ["matplotlib>=3.5"],
        "dev": ["pytest>=7", "hypothesis>=6", "matplotlib>=3.5"],
    },
    entry_points={"console_scripts": ["swap-nas=swap_plugin.cli:main"]},
)
