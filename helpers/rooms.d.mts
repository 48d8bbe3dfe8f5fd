/** helpers/ rooms, lowest first: [folder, what it holds] (see rooms.mjs). */
export declare const ROOMS: [room: string, holds: string][];
