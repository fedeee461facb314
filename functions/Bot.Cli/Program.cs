using Bot.Adapters.Config;

// releasebot: offline tools for release configs. The logic lives in ReleaseBotCli so tests run it in-process.
return ReleaseBotCli.Run(args, Console.Out, Console.Error);
