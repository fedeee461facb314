using Bot.Core.Config;

namespace Bot.Core.Ports;

public enum ReadinessState { Ready, Progressing, Failed }
