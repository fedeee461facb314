using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config;

/// <summary>The parsed YAML of one config file, for checks that point at a node: top-level sections by key and the step items in order.</summary>
public sealed record ConfigDocument(YamlMappingNode Root, IReadOnlyDictionary<string, YamlNode> Sections, IReadOnlyList<YamlNode> StepNodes);
