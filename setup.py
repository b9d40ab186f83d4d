from setuptools import find_packages, setup

setup(
    name="tf1to2",
    version="0.1.0",
    description="TensorFlow 1 and TensorFlow 2 versions of classic examples, proven equivalent",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.11,<3.12",
    packages=find_packages(include=["tf1to2", "tf1to2.*", "tf1_style", "tf2_style"]),
    package_data={"tf1to2.data": ["datasets/*"]},
    install_requires=[
        "tensorflow==2.21.*",
        "tf-keras==2.21.*",
        "keras>=3.15",
        "tf-slim",
        "numpy",
        "matplotlib",  # the PNG plots of `tf1to2 compare X --train`
        "gymnasium",   # CartPole for the DQN pair
        "scikit-learn",  # Géron's California housing loader, train_test_split, StandardScaler
        "tensorboard",   # reads the event files of the summaries pair
    ],
    extras_require={
        # pytest-xdist: CI runs the suite on both cores (`-n 2` in setup.cfg), about twice as
        # fast as one process, since most of a test's time is single-threaded graph building.
        "test": ["pytest", "parameterized", "pytest-xdist"],
        # The guide site (`mkdocs build --strict`): MkDocs Material with pymdown-extensions.
        "docs": ["mkdocs-material", "pymdown-extensions"],
    },
    entry_points={"console_scripts": ["tf1to2=tf1to2.cli:main"]},
)
