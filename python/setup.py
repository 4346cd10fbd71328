"""The wheel holds a native executable: it is a platform wheel (py3-none-linux_x86_64, made
manylinux by `auditwheel repair` in build-wheel.sh) whose files go to platlib, not pure Python."""

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.dist import Distribution


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    def get_tag(self) -> tuple[str, str, str]:
        # Any Python 3 runs it: the native part is an executable, not an extension module.
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=BinaryDistribution, cmdclass={"bdist_wheel": PlatformWheel})
