// Messages of my account (/me), the public verification page (/verify) and the ministry’s page (/ministry).
export const zh = {} as const;

export const en: Record<keyof typeof zh, string> = {};
