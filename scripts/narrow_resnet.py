"""torchvision's ResNet with a base width other than 64, for the fixture scripts beside this file.

NarrowResNet(block, layers, width) has torchvision.models.ResNet's module names and forward, with
every width divided by 64/width: the stem has `width` channels and layer k has 2^(k-1) * width
(times the block's expansion). The reference networks use width 8."""
import torch.nn as nn
from torchvision.models.resnet import ResNet


class NarrowResNet(ResNet):
    def __init__(self, block, layers, width, num_classes=2):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width); self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, 2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 8 * width, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width * block.expansion, num_classes)
